"""What every domain package shares: domain errors, the one text cleaner, input limits."""
