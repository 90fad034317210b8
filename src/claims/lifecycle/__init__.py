"""How ``claims run`` starts and stops: the Prefect API it reports to, and signals.

``apiserver`` finds the Prefect API a run uses or starts a temporary one as a child of the
run; ``localserver`` is the long-lived server of ``claims server``; ``deathsig`` makes a
child die with its parent; ``signals`` turns SIGINT and SIGTERM into an orderly stop.
Every module here imports only the standard library at the top, so ``claims run`` can
report a usage mistake before anything heavy loads.
"""
