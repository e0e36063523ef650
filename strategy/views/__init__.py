"""Views of checklists by topic: My week, an account's checklist, editing templates."""
