print("charm: not yet")
