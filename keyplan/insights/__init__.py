"""Read-only numbers about plans and the portfolio, computed in SQL (no models)."""
