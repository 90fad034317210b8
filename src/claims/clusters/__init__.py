"""Cluster claims that repeat across clinics, and find articles copied whole.

``assign_clusters`` gives each claim row a cluster id and builds the clusters table;
``near_duplicate_articles`` pairs articles whose whole text is nearly the same.
"""

from claims.clusters.articles import near_duplicate_articles
from claims.clusters.assign import CLUSTER_COLUMNS, assign_clusters
from claims.clusters.normalize import Normalizer, default_normalizer

__all__ = ["CLUSTER_COLUMNS", "Normalizer", "assign_clusters", "default_normalizer", "near_duplicate_articles"]
