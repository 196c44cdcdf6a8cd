"""kg: a knowledge-graph builder for political news."""

__version__ = "0.1.0"
