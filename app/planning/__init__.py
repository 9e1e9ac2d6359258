"""Planning: staff accounts, moderation, answers, history and notes (domain code, no HTTP)."""
