# Creating, listing, renaming and removing files and directories.
import os

ROOT = "os_files_dirs_tmp"
os.mkdir(ROOT)
print(os.path.isdir(ROOT), os.path.isfile(ROOT), os.listdir(ROOT))
for name in ["b.txt", "a.txt", "c.dat"]:
    with open(os.path.join(ROOT, name), "w") as f:
        f.write(name * 3)
os.makedirs(os.path.join(ROOT, "sub", "deeper", "deepest"))
os.makedirs(os.path.join(ROOT, "sub", "deeper"), exist_ok=True)
print(sorted(os.listdir(ROOT)))
print(sorted(os.listdir(os.path.join(ROOT, "sub"))))
print(os.path.getsize(os.path.join(ROOT, "a.txt")), os.path.getsize(os.path.join(ROOT, "c.dat")))
st = os.stat(os.path.join(ROOT, "b.txt"))
print(st.st_size, st[6], st.st_mode & 0o170000 == 0o100000, len(st),
      isinstance(st.st_mtime, float), isinstance(st.st_mtime_ns, int))
print(os.stat(ROOT).st_mode & 0o170000 == 0o040000)

os.rename(os.path.join(ROOT, "a.txt"), os.path.join(ROOT, "renamed.txt"))
os.replace(os.path.join(ROOT, "b.txt"), os.path.join(ROOT, "renamed.txt"))
print(sorted(os.listdir(ROOT)))
with open(os.path.join(ROOT, "renamed.txt")) as f:
    print(f.read())

walked = []
for dirpath, dirnames, filenames in os.walk(ROOT):
    walked.append((dirpath, sorted(dirnames), sorted(filenames)))
for w in sorted(walked):
    print(w)

os.remove(os.path.join(ROOT, "renamed.txt"))
os.unlink(os.path.join(ROOT, "c.dat"))
os.rmdir(os.path.join(ROOT, "sub", "deeper", "deepest"))
os.removedirs(os.path.join(ROOT, "sub", "deeper"))
print(os.path.exists(ROOT))
print([x for x in os.listdir(".") if x.startswith("os_files_dirs")])
print(sorted(os.listdir(b"."))[:0], type(os.listdir()[0]).__name__)
