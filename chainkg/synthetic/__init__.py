"""Generated datasets (park, city, province presets) in the loaders' JSON Lines form — a generator, not a loader."""
