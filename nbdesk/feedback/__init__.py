"""Closing the loop: a round's results from the central team, young people's priorities, and
telling every care leaver back. Aggregates only: nothing here can hold a person's answer."""
