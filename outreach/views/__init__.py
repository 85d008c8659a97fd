"""The outreach pages: one module per area (funds, aid, and the campaign and pairing pages)."""
