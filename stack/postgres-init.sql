create database omnistream_registry;
