"""The steps the county decides for a township project (the update package's decisions).

Kept free of the ORM: ``fupin-tui``'s argument parser, built on every start (the screens too),
lists them, and importing the models there cost the first paint a third of a second.
"""

# The steps the county takes (the township's life-cycle action each one is recorded as).
DECISIONS = ("立项批复", "批复实施方案", "验收", "收回")
