"""Local fake servers that speak the real wire formats of arXiv and GitHub."""
