"""SOC 2 evidence built from Reports: change records (CC8.1), the hash-chained ledger, the
period report. See docs/evidence.md."""
