"""Local secrets for development: generated once and kept in the data directory."""

import secrets
from pathlib import Path


def local_secret(data_dir: Path, name: str) -> str:
    """Return the secret stored as `data_dir/<name>`, creating it (mode 600) on first use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
