"""Clientelitis: live customer-service-culture workshops built on ipywidgets, Plotly and Voila."""

__version__ = "0.1.0"
