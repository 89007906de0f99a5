"""The planted-teacher study (problem V2): teacher, trainer, summary, report numbers."""
