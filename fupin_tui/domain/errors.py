"""Errors that carry a Chinese message a clerk can act on."""


class DomainError(ValueError):
    """A rule of the regulation or of the data refused an action.

    ``rule`` is the id from RULES.md (e.g. ``"P11"``) where one applies.
    """

    def __init__(self, message: str, *, rule: str | None = None, section: str | None = None):
        self.message = message
        self.rule = rule
        self.section = section
        prefix = f"[{rule}" + (f" {section}" if section else "") + "] " if rule else ""
        super().__init__(prefix + message)


class InputError(DomainError):
    """A value typed by the clerk is not acceptable; ``field`` names the field."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}：{problem}")
