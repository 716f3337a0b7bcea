"""powkg: a knowledge graph of the prisoner-of-war exchanges between Ukraine and Russia.

The stages, in the order data flows through them (see ``pipeline``):
read -> extract -> map -> check -> store -> reason -> validate -> serve.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
