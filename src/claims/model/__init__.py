"""The trained claim classifier: its inputs, training data, training and use.

``claims train`` makes it from the labelled sets under ``data/train``; the tagger uses it in
``--tagger model`` (the classifier decides the claim types) and ``--tagger hybrid`` (a type
either the classifier or the rules find is claimed); the rules always supply triggers, hedges,
citations and red flags. See ``train.py``.
"""
