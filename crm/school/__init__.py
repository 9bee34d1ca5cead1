"""The language school: its catalog of languages, contracts, their rules, notices and listing."""
