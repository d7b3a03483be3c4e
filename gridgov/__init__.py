"""gridgov — 网格化基层社会治理平台."""

__version__ = "0.1.0"
