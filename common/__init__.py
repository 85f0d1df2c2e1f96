"""Pure helpers every app may use; they import no app of this project (import-linter checks)."""
