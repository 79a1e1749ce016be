"""What the mlglass CLI tests share: a pass/fail recorder and synthetic dump frames."""
import math

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def frame(step, label, rng, nx=12, ny=14, dim=2, ntypes=2):
    """One frame of N = nx * ny particles: "glass" (label 1) = jittered triangular lattice at density
    1.2, "liquid" (label 0) = uniform random; 65:35 types 1 and 2, with ntypes > 2 the last atom
    of type ntypes; dim 3 spreads z over the box."""
    a = math.sqrt(2.0 / (math.sqrt(3.0) * 1.2))
    side = max(nx * a, ny * a * math.sqrt(3.0) / 2.0)
    atoms = []
    for j in range(ny):
        for i in range(nx):
            if label:
                x = (i + 0.5 * (j % 2)) * a + rng.gauss(0, 0.05)
                y = j * a * math.sqrt(3.0) / 2.0 + rng.gauss(0, 0.05)
            else:
                x, y = rng.random() * side, rng.random() * side
            t = 2 if rng.random() < 0.35 else 1
            atoms.append([len(atoms) + 1, t, x % side, y % side])
    if ntypes > 2:
        atoms[-1][1] = ntypes  # one atom of an extra type, the last one
    zlo, zhi = (-0.5, 0.5) if dim == 2 else (0.0, side)
    lines = ["ITEM: TIMESTEP", str(step), "ITEM: NUMBER OF ATOMS", str(len(atoms)),
             "ITEM: BOX BOUNDS pp pp pp", f"0 {side}", f"0 {side}", f"{zlo} {zhi}",
             "ITEM: ATOMS id type x y z"]
    for i, t, x, y in atoms:
        z = 0 if dim == 2 else rng.random() * side
        lines.append(f"{i} {t} {x:.6f} {y:.6f} {z:.6f}")
    return "\n".join(lines) + "\n"
