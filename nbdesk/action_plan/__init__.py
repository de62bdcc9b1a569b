"""The action plan: plans and their versions, themes, actions, updates, reviews, and what needs attention."""
