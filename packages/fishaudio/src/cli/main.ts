console.error("fishaudio: the CLI is not built yet");
process.exit(1);
