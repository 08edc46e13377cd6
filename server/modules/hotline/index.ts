/**
 * Public interface of the hotline module (热线受理): its routes (the telephony's incoming calls, the
 * operators' console, seats, the knowledge base), its topic of the live stream (the incoming-call
 * pop), what the demo seed writes (the generated knowledge base), and the sweep of calls left ringing.
 */
export { seedDemoKnowledge } from './demo-knowledge.ts';
export { hotlineRoutes } from './routes.ts';
export { hotlineLiveTopic } from './stream.ts';
export { startRingingSweep, sweepRingingCalls } from './sweep.ts';
