import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

# No 0/O, 1/l/I: the password is read off a sheet of paper and typed in.
ONE_TIME_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
ONE_TIME_PASSWORD_LENGTH = 14


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, used only for the portal's generated one-time passwords.

    Key stretching protects guessable passwords; a generated one has 14 random characters (about 80 bits), which
    no number of rounds makes easier or harder to guess. With the default million rounds (0.4 s each), creating a
    few hundred accounts in one request would take minutes. The owner must replace it at first login, and Django
    stores the new password with the default hasher.
    """

    algorithm = "pbkdf2_sha256_onetime"
    iterations = 10_000


def one_time_password() -> str:
    return "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))


def hash_one_time_password(password: str) -> str:
    return make_password(password, hasher=OneTimePasswordHasher.algorithm)
