"""Questions over the five seed documents (bench/genre-seeds/docs = ../shared/seeds). Placeholder."""
def rows() -> list[dict]:
    return []
