from fupin_tui.dialogs.confirm import ConfirmDialog, ReasonDialog  # noqa: F401
