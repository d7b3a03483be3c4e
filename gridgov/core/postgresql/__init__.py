"""Django's PostgreSQL backend as gridgov uses it (`ENGINE` when DATABASE_URL names PostgreSQL): see `base`."""
