// Check the account behind the API key: credit and package.
// Run: FISH_API_KEY=… npx tsx examples/account.ts
import { AuthenticationError, FishAudio } from "fishaudio";

const client = new FishAudio();

try {
  const credits = await client.account.getCredits();
  console.log(`API credit: ${credits.credit}`);
  const pkg = await client.account.getPackage();
  console.log(`package ${pkg.type}: ${pkg.balance} of ${pkg.total} left`);
} catch (error) {
  if (error instanceof AuthenticationError) {
    console.error(`the key was rejected (${error.message}); check FISH_API_KEY`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
