"""The five workshops, one folder each (model, view, charts); ``registry.py`` lists them."""
