/**
 * Haven+ entity cards for the new frontend system.
 *
 * @packageDocumentation
 */
export {};
