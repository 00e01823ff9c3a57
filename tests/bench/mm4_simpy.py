"""The M/M/4 model at rho = 0.9 in SimPy 2 (Debian's python3-simpy), for the side-by-side
benchmark. Usage: /usr/bin/python3 mm4_simpy.py CUSTOMERS [SEED]"""
import random
import resource
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate


class Customer(Process):
    def run(self, server, stats):
        arrived = now()
        yield request, self, server
        yield hold, self, random.expovariate(1000.0)
        yield release, self, server
        stats.append(now() - arrived)


class Source(Process):
    def run(self, n, server, stats):
        for _ in range(n):
            c = Customer()
            activate(c, c.run(server, stats))
            yield hold, self, random.expovariate(3600.0)


def main():
    n = int(sys.argv[1])
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    stats = []
    start = time.perf_counter()
    initialize()
    server = Resource(capacity=4)
    s = Source()
    activate(s, s.run(n, server, stats))
    simulate(until=1e12)
    wall = time.perf_counter() - start
    mean_ms = 1000.0 * sum(stats) / len(stats)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("customers %d wall_s %.4f customers_per_s %.0f mean_ms %.4f peak_rss_kib %d" % (len(stats), wall, len(stats) / wall, mean_ms, rss))


if __name__ == "__main__":
    main()
