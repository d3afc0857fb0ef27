// The channel between llama.cpp's callbacks and the stream that relays them: nothing pushed is lost,
// whenever it is pushed, and a failure comes after the text that preceded it.
import { describe, expect, it } from '@jest/globals';
import { TextChannel } from './text-channel.js';

async function collect(channel: AsyncIterable<string>): Promise<{ texts: string[]; error?: unknown }> {
  const texts: string[] = [];
  try {
    for await (const text of channel) texts.push(text);
    return { texts };
  } catch (error) {
    return { texts, error };
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TextChannel', () => {
  it('gives the text pushed before the iteration started, then the text pushed while it runs, then ends', async () => {
    const channel = new TextChannel<'stop' | 'length'>();
    channel.push('ab');
    channel.push('c');
    const reading = collect(channel);
    await tick();
    channel.push('d');
    await tick();
    channel.push('e');
    channel.push('f');
    channel.end('stop');
    const { texts, error } = await reading;
    expect(error).toBeUndefined();
    expect(texts.join('')).toBe('abcdef');
    // What was pending when the reader came is given as one piece.
    expect(texts[0]).toBe('abc');
    expect(channel.stopReason).toBe('stop');
  });

  it('ended before the iteration starts: gives what was pushed, then ends', async () => {
    const channel = new TextChannel();
    channel.push('x');
    channel.end('length');
    expect(await collect(channel)).toEqual({ texts: ['x'] });
    expect(channel.stopReason).toBe('length');
  });

  it('ignores empty text and text pushed after the end', async () => {
    const channel = new TextChannel();
    const reading = collect(channel);
    channel.push('');
    channel.push('a');
    channel.end('stop');
    channel.push('b');
    expect(await reading).toEqual({ texts: ['a'] });
  });

  it('an iteration waiting for text ends when the channel ends with nothing', async () => {
    const channel = new TextChannel();
    const reading = collect(channel);
    await tick();
    channel.end('stop');
    expect(await reading).toEqual({ texts: [] });
  });

  it('a failure after pending text gives the text first, then the error', async () => {
    const channel = new TextChannel();
    const failure = new Error('decode failed');
    channel.push('abc');
    channel.fail(failure);
    const { texts, error } = await collect(channel);
    expect(texts).toEqual(['abc']);
    expect(error).toBe(failure);
  });

  it('a failure while the reader waits reaches it', async () => {
    const channel = new TextChannel();
    const reading = collect(channel);
    channel.push('a');
    await tick();
    const failure = new Error('aborted');
    channel.fail(failure);
    expect(await reading).toEqual({ texts: ['a'], error: failure });
  });
});
