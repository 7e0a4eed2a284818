"""Dialogs: the form-dialog kit (kit), reasons (reason), lifecycle steps, operators, stripped cells; plain yes/no questions are ``widgets.confirm``."""
