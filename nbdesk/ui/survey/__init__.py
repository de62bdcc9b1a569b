"""The Survey outreach section: the register, a round's contacts and completions, its figures."""
