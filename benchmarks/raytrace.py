"""A small ray tracer: spheres and a checkered floor plane, three point lights with
shadows, Phong highlights and mirror reflections, through a pinhole camera. Everything
is built from a three-component Vector class whose +, -, * (by a number), negation and
dot product are Python methods returning new vectors, and the scene objects override
one intersect/normal interface; so it measures float arithmetic wrapped in small
objects: dunder-method dispatch, short-lived allocations, attribute loads and method
calls. An iteration is one row of pixels; prints the image size, how many rays were
cast and a checksum of the pixels (each channel rounded to 0..255), not the image."""
import sys
import time
from math import sqrt

from _report import report_time_per_iteration


EPSILON = 1e-7
MAX_DEPTH = 3


class Vector:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        return Vector(self.x - other.x, self.y - other.y, self.z - other.z)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k, self.z * k)

    __rmul__ = __mul__

    def __neg__(self):
        return Vector(-self.x, -self.y, -self.z)

    def dot(self, other):
        return self.x * other.x + self.y * other.y + self.z * other.z

    def cross(self, other):
        return Vector(self.y * other.z - self.z * other.y,
                      self.z * other.x - self.x * other.z,
                      self.x * other.y - self.y * other.x)

    def length(self):
        return sqrt(self.dot(self))

    def normalized(self):
        return self * (1.0 / self.length())

    def times(self, other):
        """The component-wise product (colours filtering colours)."""
        return Vector(self.x * other.x, self.y * other.y, self.z * other.z)

    def reflect(self, normal):
        """This direction mirrored about the plane with unit normal `normal`."""
        return self - normal * (2.0 * self.dot(normal))


BLACK = Vector(0.0, 0.0, 0.0)


class Ray:
    __slots__ = ("origin", "direction")

    def __init__(self, origin, direction):
        self.origin = origin
        self.direction = direction

    def at(self, t):
        return self.origin + self.direction * t


class Material:
    def __init__(self, colour, diffuse=0.8, specular=0.5, shininess=4, mirror=0.0):
        self.colour = colour
        self.diffuse = diffuse
        self.specular = specular
        # Highlights are (cos angle) ** (2 ** shininess), by repeated squaring.
        self.shininess = shininess
        self.mirror = mirror

    def colour_at(self, point):
        return self.colour


class Checkered(Material):
    """Alternating squares of two colours on the x-z plane."""

    def __init__(self, colour, other, size, **kwargs):
        super().__init__(colour, **kwargs)
        self.other = other
        self.size = size

    def colour_at(self, point):
        if (int((point.x + 1000.0) / self.size) + int((point.z + 1000.0) / self.size)) % 2:
            return self.other
        return self.colour


class Thing:
    def __init__(self, material):
        self.material = material

    def intersect(self, ray):
        """The distance along `ray` to the nearest hit in front of its origin, or None."""
        raise NotImplementedError

    def normal_at(self, point):
        raise NotImplementedError


class Sphere(Thing):
    def __init__(self, centre, radius, material):
        super().__init__(material)
        self.centre = centre
        self.radius = radius

    def intersect(self, ray):
        to_centre = ray.origin - self.centre
        b = to_centre.dot(ray.direction)
        c = to_centre.dot(to_centre) - self.radius * self.radius
        disc = b * b - c
        if disc < 0.0:
            return None
        root = sqrt(disc)
        t = -b - root
        if t > EPSILON:
            return t
        t = -b + root
        if t > EPSILON:
            return t
        return None

    def normal_at(self, point):
        return (point - self.centre).normalized()


class Plane(Thing):
    def __init__(self, point, normal, material):
        super().__init__(material)
        self.point = point
        self.normal = normal.normalized()

    def intersect(self, ray):
        denom = ray.direction.dot(self.normal)
        if abs(denom) < EPSILON:
            return None
        t = (self.point - ray.origin).dot(self.normal) / denom
        return t if t > EPSILON else None

    def normal_at(self, point):
        return self.normal


class Light:
    def __init__(self, position, colour):
        self.position = position
        self.colour = colour


class Camera:
    def __init__(self, eye, look_at, up, width, height):
        self.eye = eye
        self.forward = (look_at - eye).normalized()
        self.right = self.forward.cross(up).normalized()
        self.up = self.right.cross(self.forward)
        self.width = width
        self.height = height

    def ray(self, px, py):
        aspect = self.width / self.height
        sx = (2.0 * (px + 0.5) / self.width - 1.0) * aspect
        sy = 1.0 - 2.0 * (py + 0.5) / self.height
        direction = self.forward + self.right * sx + self.up * sy
        return Ray(self.eye, direction.normalized())


class Scene:
    def __init__(self, things, lights, ambient, background):
        self.things = things
        self.lights = lights
        self.ambient = ambient
        self.background = background
        self.rays = 0

    def nearest(self, ray):
        self.rays += 1
        best_t = None
        best = None
        for thing in self.things:
            t = thing.intersect(ray)
            if t is not None and (best_t is None or t < best_t):
                best_t = t
                best = thing
        return best, best_t

    def in_shadow(self, point, to_light, distance):
        self.rays += 1
        ray = Ray(point, to_light)
        for thing in self.things:
            t = thing.intersect(ray)
            if t is not None and t < distance:
                return True
        return False

    def trace(self, ray, depth):
        thing, t = self.nearest(ray)
        if thing is None:
            return self.background
        point = ray.at(t)
        normal = thing.normal_at(point)
        if normal.dot(ray.direction) > 0.0:
            normal = -normal
        material = thing.material
        base = material.colour_at(point)
        colour = base.times(self.ambient)
        lift = point + normal * 1e-4
        reflected = ray.direction.reflect(normal)
        for light in self.lights:
            offset = light.position - point
            distance = offset.length()
            to_light = offset * (1.0 / distance)
            lambert = normal.dot(to_light)
            if lambert <= 0.0 or self.in_shadow(lift, to_light, distance):
                continue
            colour = colour + base.times(light.colour) * (lambert * material.diffuse)
            highlight = reflected.dot(to_light)
            if highlight > 0.0:
                for _ in range(material.shininess):
                    highlight *= highlight
                colour = colour + light.colour * (highlight * material.specular)
        if material.mirror > 0.0 and depth < MAX_DEPTH:
            bounced = self.trace(Ray(lift, reflected), depth + 1)
            colour = colour * (1.0 - material.mirror) + bounced * material.mirror
        return colour


def build_scene():
    things = [
        Plane(Vector(0.0, 0.0, 0.0), Vector(0.0, 1.0, 0.0),
              Checkered(Vector(0.9, 0.9, 0.9), Vector(0.15, 0.15, 0.2), 1.0,
                        specular=0.2, mirror=0.25)),
        Sphere(Vector(0.0, 1.0, 0.0), 1.0,
               Material(Vector(0.8, 0.2, 0.2), specular=0.8, shininess=5, mirror=0.4)),
        Sphere(Vector(-2.2, 0.7, 1.0), 0.7,
               Material(Vector(0.2, 0.7, 0.3), specular=0.3, shininess=3)),
        Sphere(Vector(1.9, 0.5, -0.8), 0.5,
               Material(Vector(0.2, 0.3, 0.9), specular=0.6, shininess=4, mirror=0.6)),
        Sphere(Vector(0.8, 0.35, 1.6), 0.35,
               Material(Vector(0.9, 0.8, 0.2), specular=0.5, shininess=4)),
    ]
    lights = [
        Light(Vector(-4.0, 6.0, 4.0), Vector(0.6, 0.55, 0.5)),
        Light(Vector(5.0, 4.0, 3.0), Vector(0.3, 0.35, 0.45)),
        Light(Vector(0.0, 8.0, -6.0), Vector(0.25, 0.25, 0.25)),
    ]
    return Scene(things, lights, Vector(0.12, 0.12, 0.14), Vector(0.05, 0.08, 0.15))


def channel(value):
    """A colour channel as an integer 0..255."""
    if value <= 0.0:
        return 0
    if value >= 1.0:
        return 255
    return int(value * 255.0 + 0.5)


def main(width):
    height = width * 3 // 4
    scene = build_scene()
    camera = Camera(Vector(0.4, 1.9, 4.8), Vector(0.0, 0.7, 0.0), Vector(0.0, 1.0, 0.0),
                    width, height)
    checksum = 0
    histogram = [0] * 8
    times = []
    for py in range(height):
        t0 = time.perf_counter()
        for px in range(width):
            colour = scene.trace(camera.ray(px, py), 0)
            r, g, b = channel(colour.x), channel(colour.y), channel(colour.z)
            checksum = (checksum * 31 + (r << 16 | g << 8 | b)) % 1000000007
            histogram[(r + g + b) // 96] += 1
        times.append(time.perf_counter() - t0)
    print(width, height, scene.rays)
    print(checksum, " ".join(str(n) for n in histogram))
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 96)
