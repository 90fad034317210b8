"""``python -m claims.runfolder`` prints the README's data dictionary (from the contract)."""

from claims.runfolder import data_dictionary

print(data_dictionary(), end="")
