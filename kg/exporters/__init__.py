"""Exporters: the built graph written in the formats other tools read."""
