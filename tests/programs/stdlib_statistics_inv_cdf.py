import statistics, _statistics
print(statistics._normal_dist_inv_cdf is _statistics._normal_dist_inv_cdf)
nd = statistics.NormalDist(100, 15)
for p in [1e-300, 1e-20, 1e-5, 0.01, 0.025, 0.3, 0.5, 0.575, 0.9, 0.975, 0.99999, 1-1e-16]:
    print(repr(nd.inv_cdf(p)), repr(_statistics._normal_dist_inv_cdf(p, 0, 1)))
for a in [(0,0,1),(1,0,1),(0.5,0,0),(0.5,0,-1),(float("nan"),0,1)]:
    try: print(_statistics._normal_dist_inv_cdf(*a))
    except ValueError as e: print(e)
print(nd.quantiles(10))
for bad in [(1, 2), ('x', 1, 2), (1, 2, 3, 4)]:
    try: _statistics._normal_dist_inv_cdf(*bad)
    except TypeError as e: print(e)
try: _statistics._normal_dist_inv_cdf(p=1, mu=2, sigma=3)
except TypeError as e: print(e)
