# pwd, grp and resource: database lookups (this machine's, the same under both
# implementations), struct sequences, limits, usage and errors.
import grp
import pwd
import resource


def show(f, *a):
    try:
        print("ok", f(*a))
    except Exception as e:
        print(type(e).__name__, e)


root = pwd.getpwuid(0)
print(root, root.pw_name, root[2], type(root).__name__, type(root).__module__, len(root))
print(pwd.getpwnam(root.pw_name) == root, pwd.struct_passwd.n_fields)
everyone = pwd.getpwall()
print(len(everyone) > 0, everyone == pwd.getpwall(), all(isinstance(p.pw_uid, int) for p in everyone))
for bad in (99999, -1, 2**40, -2, "x"):
    show(pwd.getpwuid, bad)
show(pwd.getpwnam, "no_such_user_here")
show(pwd.getpwnam, 5)
show(pwd.getpwuid)
g = grp.getgrgid(0)
print(g, g.gr_name, type(g.gr_mem).__name__, grp.getgrnam(g.gr_name) == g,
      len(grp.getgrall()) > 0)
for bad in (99999, -1, 2**40, -2, 2**70, "x"):
    show(grp.getgrgid, bad)
show(grp.getgrnam, "no_such_group_here")
show(grp.getgrnam, 5)
show(grp.getgrgid)
show(grp.getgrgid, 1, 2)

print(resource.RLIM_INFINITY, resource.error is OSError, resource.getpagesize() > 0,
      resource.RLIMIT_NOFILE, resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
print(type(soft).__name__, soft <= hard or hard == -1, resource.getrlimit(resource.RLIMIT_CPU))
resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
print(resource.getrlimit(resource.RLIMIT_NOFILE) == (soft, hard),
      resource.prlimit(0, resource.RLIMIT_NOFILE) == (soft, hard))
r = resource.getrusage(resource.RUSAGE_SELF)
print(type(r).__name__, type(r).__module__, len(r), type(r.ru_utime).__name__,
      type(r.ru_maxrss).__name__, r.ru_maxrss > 0)
show(resource.setrlimit, resource.RLIMIT_NOFILE, (1,))
show(resource.setrlimit, resource.RLIMIT_NOFILE, 5)
show(resource.setrlimit, resource.RLIMIT_NOFILE, (hard + 1 if hard != -1 else 10**6, hard))
show(resource.setrlimit, resource.RLIMIT_NOFILE, (100, 10))
show(resource.setrlimit, 999, (1, 1))
show(resource.getrlimit, 999)
show(resource.getrlimit, "x")
show(resource.getrusage, 99)
show(resource.getrusage, "x")
