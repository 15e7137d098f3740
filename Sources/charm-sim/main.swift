print("charm-sim: not yet")
