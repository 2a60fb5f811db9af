for a, b in [(2.0, 0.5), (2.0, -1.5), (1e308, 2.0), (0.0, -1.0), (-8.0, 1/3), (2, 0.5), (2.5, 2), (float('inf'), 2.0), (4.0, float('nan')), (1.0, float('inf')), (10.0, 400.0)]:
    try:
        print(a, b, a ** b)
    except Exception as e:
        print(a, b, type(e).__name__, e)
