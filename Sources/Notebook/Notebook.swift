// Module Notebook: see docs/architecture.md. Contents arrive with their issues.
