"""Support services the Partnership signposts people to: data the admin keeps."""
