"""The application's name and version, in one place."""

APP_NAME = "Avatar Studio"
APP_ID = "io.github.avatarstudio.AvatarStudio"
ORGANIZATION = "avatar-studio"
VERSION = "0.1.0"
