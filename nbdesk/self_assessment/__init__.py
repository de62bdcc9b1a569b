"""self_assessment"""
