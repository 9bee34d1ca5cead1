"""Database layer: typed models, the engine and session factories, migrations."""
