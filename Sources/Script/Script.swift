// Module Script: see docs/architecture.md. Contents arrive with their issues.
