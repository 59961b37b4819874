"""Writes data/sample-products.csv: 1,000 made-up products of one house, as a product system
would export them. Deterministic, so the committed file can be regenerated identically."""
import csv
import random
from pathlib import Path

MODELS = ["Tote Grande", "Pochette Nuit", "Sac Seau", "Cabas Riviera", "Minaudière", "Baguette Soir"]
MATERIALS = ["calfskin", "lambskin", "canvas and calfskin", "crocodile", "satin", "python"]
COLOURS = ["noir", "ivoire", "cognac", "bordeaux", "vert sapin", "bleu nuit"]
FACTORIES = [("Italy", "Scandicci"), ("Italy", "Fiesso d'Artico"), ("France", "Asnières"), ("Spain", "Ubrique")]


def main() -> None:
    rng = random.Random(2021)
    path = Path(__file__).resolve().parents[1] / "data" / "sample-products.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["serial", "model", "material", "colour", "made_in", "workshop", "made_on:date", "price_eur:number"])
        for n in range(1, 1001):
            country, workshop = rng.choice(FACTORIES)
            writer.writerow([
                f"AUR-{2026}-{n:05d}-{rng.randrange(16**4):04X}", rng.choice(MODELS), rng.choice(MATERIALS),
                rng.choice(COLOURS), country, workshop, f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
                rng.choice([2900, 3400, 4800, 6200, 9500, 21000]),
            ])


if __name__ == "__main__":
    main()
