/**
 * Haven+ entity cards (legacy frontend system exports).
 *
 * @packageDocumentation
 */
export {};
